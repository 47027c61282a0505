"""What every document needs, loaded once by the server ``medextract extract --jobs``
forks its worker processes from (``multiprocessing``'s forkserver imports this module
before it forks any): the core's modules, the word lists, the image decoders and one
tesseract model. Each worker starts with them in memory, shared until written, instead
of loading them while its first document waits; in a single process they load lazily.
"""

from PIL import Image

from medextract import extract  # noqa: F401  (the core and OpenCV, imported once)
from medextract.checks import warm as warm_word_lists
from medextract.ocr import load_model
from medextract.settings import get_settings

settings = get_settings()
warm_word_lists(settings.english_words)
Image.init()
# Loaded in this thread (the server runs no other): a process must not fork while a
# thread is loading a model.
load_model(settings)
