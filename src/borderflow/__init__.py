"""borderflow: an open digital twin of the U.S.-Canada land border.

Data flows one way: ``data`` -> ``demand`` -> ``sim`` -> ``plan`` -> ``service`` / ``cli``.
"""

from borderflow._config import default_db_path, shipped_data_dir

__version__ = "0.1.0"

__all__ = ["__version__", "default_db_path", "shipped_data_dir"]
