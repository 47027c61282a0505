"""medextract: scanned prescriptions and patient-record forms in, typed fields out.

The data flows one way: bytes -> pages -> words -> fields -> result.
``medextract.extract.extract`` is the one entry point the CLI, the Lambda and the
tests share.
"""

__version__ = "0.1.0"
