"""marsad's statistical named-entity recogniser, for the names the knowledge base does not know.

The shipped model is a small neural tagger (character CNN + BiLSTM + CRF, an ensemble of
networks) trained on ANERcorp and AQMAR with word2vec vectors and word clusters learned from
JawharaFM news; it runs with numpy. A CRF with rich features is kept for comparison.

* :mod:`marsad.ner.corpus` reads and cleans the CoNLL corpora;
* :mod:`marsad.ner.neural` is the neural tagger (numpy inference);
* :mod:`marsad.ner.train_neural` trains it (``python -m marsad.ner.train_neural``, PyTorch);
* :mod:`marsad.ner.features` and :mod:`marsad.ner.train` are the CRF's features and training;
* :mod:`marsad.ner.evaluate` scores CoNLL files (``python -m marsad.ner.evaluate``);
* :mod:`marsad.ner.tagger` loads a model folder by its family (lazily, once per process);
* :mod:`marsad.ner.recognize` turns tagged spans into entities (the ``ner`` component).
"""
