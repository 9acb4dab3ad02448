"""Dense retrieval with a real model2vec model built and saved locally (nothing is downloaded)."""

import re

import numpy as np
import pytest
from model2vec import StaticModel
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.normalizers import Lowercase
from tokenizers.pre_tokenizers import Whitespace

from toolgym.errors import ToolExecutionError
from toolgym.search.dense import DenseRetriever, load_model2vec


@pytest.fixture
def model_dir(passages, tmp_path):
    """A static embedding model over the corpus vocabulary with random word vectors (a random
    projection of bag-of-words), saved in model2vec's format."""
    words = sorted({w.lower() for p in passages for w in re.findall(r"\w+", p.contents)})
    vocab = {"[UNK]": 0, "[PAD]": 1, **{w: i + 2 for i, w in enumerate(words)}}
    tok = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = Lowercase()
    tok.pre_tokenizer = Whitespace()
    vectors = np.random.default_rng(0).normal(size=(len(vocab), 64)).astype(np.float32)
    vectors[0] = 0.0
    StaticModel(vectors=vectors, tokenizer=tok, normalize=True).save_pretrained(str(tmp_path / "m2v"))
    return tmp_path / "m2v"


def test_dense_retrieval_with_a_local_model(passages, model_dir):
    r = DenseRetriever(passages, load_model2vec(model_dir))
    assert r.matrix.shape == (len(passages), 64)
    assert np.allclose(np.linalg.norm(r.matrix, axis=1), 1.0, atol=1e-5)
    hits = r.search("Marlo Venn born Brisk", k=3)
    assert hits[0].id == "p1" and [h.rank for h in hits] == [1, 2, 3]
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    batch = r.search_batch(["capital currency Norland", "Sel River"], k=1)
    assert batch[0][0].id == "p4" and batch[1][0].id == "p2"
    assert r.search("qqqq unknown", k=3) == []  # only the zero [UNK] vector: no similarity


def test_models_are_never_downloaded(tmp_path):
    with pytest.raises(ToolExecutionError, match="never downloaded"):
        load_model2vec(tmp_path / "minishlab-potion-base-8M")


def test_embedder_shape_is_checked(passages):
    class Flat:
        def encode(self, sentences):
            return np.ones(len(sentences))

    with pytest.raises(ToolExecutionError, match="shape"):
        DenseRetriever(passages, Flat())


def test_serve_command_loads_a_dense_retriever(passages, model_dir, tmp_path):
    from toolgym.search.corpus import write_passages
    from toolgym.search.service import build_parser, load_retriever

    write_passages(passages, tmp_path / "c.jsonl")
    retriever, kind, size = load_retriever(build_parser().parse_args(["--passages", str(tmp_path / "c.jsonl"), "--dense-model", str(model_dir)]))
    assert (kind, size) == ("dense", len(passages)) and isinstance(retriever, DenseRetriever)
    assert retriever.search("Sel River Brisk", 1)[0].id == "p2"
