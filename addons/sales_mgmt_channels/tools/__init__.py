from . import normalise
