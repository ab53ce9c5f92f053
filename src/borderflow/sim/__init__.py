"""The simulation kernel: ports of entry as lanes and booths. No I/O, no global state."""
