"""welfare-pipeline: from raw survey waves to reports for the Verona company-welfare project."""

__version__ = "0.1.0"
