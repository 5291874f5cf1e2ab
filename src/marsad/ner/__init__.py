"""marsad's statistical named-entity recogniser (a CRF trained on ANERcorp, AQMAR and the
Wojood sample, with word clusters learned from JawharaFM news).

* :mod:`marsad.ner.corpus` reads and cleans the CoNLL corpora;
* :mod:`marsad.ner.features` turns tokens into features;
* :mod:`marsad.ner.train` trains and evaluates (``python -m marsad.ner.train``);
* :mod:`marsad.ner.evaluate` scores CoNLL files (``python -m marsad.ner.evaluate``);
* :mod:`marsad.ner.tagger` loads the shipped model (lazily, once per process);
* :mod:`marsad.ner.recognize` turns tagged spans into entities (the ``ner`` component).
"""
