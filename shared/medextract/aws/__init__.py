"""Adapters between the extraction core and AWS: S3, the results table, event shapes.

Nothing here knows the Lambda runtime; ``functions/extract/app.py`` is the glue that
parses events and hands :class:`~medextract.aws.objects.ObjectRef` values to
:func:`~medextract.aws.process.process_object`.
"""
