__title__ = "conductor"
__version__ = "0.1.0"
