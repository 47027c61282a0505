"""Human review: the queue of flagged documents, a claim on one, a typed and audited
correction, and the reviewed record downstream.

- ``models``: the API's pydantic models;
- ``values``: a reviewer's value typed by the form's own normalisers (as extraction);
- ``store``: the DynamoDB and S3 adapters (every write carries a condition);
- ``service``: the domain logic, taking its table, bucket and clock as arguments;
- ``api``: the Powertools routes on a ``Router``, shared by the Lambda and ``make review``;
- ``static/``: the review page (HTML, CSS, JS; no build step).
"""
