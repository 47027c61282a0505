"""medextract's development tools, apart from the package the functions ship: the
corpus generator (``synth``), the demo (``demo``), the local AWS stack on moto
(``aws_local``) and the local review server (``review_local``).

Installed in the development virtualenv by ``make`` (``tools/pyproject.toml``); never in
an image (``make image-check`` proves they are absent there).
"""
