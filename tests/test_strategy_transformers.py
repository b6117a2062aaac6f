"""The whole strategy loop (attempts, verification, clustering, candidates, validation, history)
on a real transformers model: a tiny GPT-2 with random weights, built here (no download). Its habits
are its own; nothing is asserted about its quality beyond well-formed, recorded attempts."""

from __future__ import annotations

import pytest

from synth.models import TransformersModel
from synth.strategy.learn import Learner
from synth.strategy.store import StrategyStore

KNOWN_STATUS = {"ok", "model-error", "model-output-invalid", "compile-error"}


def _tiny_model_dir(root):
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    corpus = ["uint256 amount = balanceOf[msg.sender]; balanceOf[msg.sender] = 0; _send(msg.sender, amount);",
              "if (msg.sender != owner()) { revert(); } emit Released(msg.sender, amount);"] * 20
    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    tk.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<|end|>", "<|pad|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, eos_token="<|end|>", pad_token="<|pad|>")
    tok.chat_template = ("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
                         "{% if add_generation_prompt %}<|assistant|>{% endif %}")
    torch.manual_seed(0)
    # positions enough for a whole prompt (skeleton and spec); two tiny layers keep it fast on CPU
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_positions=32768, n_embd=16, n_layer=1, n_head=1,
                                       bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id,
                                       pad_token_id=tok.pad_token_id))
    tok.save_pretrained(root)
    model.save_pretrained(root)
    return root


@pytest.mark.timeout(900)
def test_the_learning_loop_runs_on_a_tiny_transformers_model(tmp_path):
    if not TransformersModel.is_available():
        pytest.skip("torch/transformers not installed")
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        client = TransformersModel(str(_tiny_model_dir(tmp_path / "tiny")), max_new_tokens=12)
        store = StrategyStore(tmp_path / "strategy.db")
        learner = Learner(store, client, kinds=["escrow"], per_split=1, max_rounds=1)
        report = learner.learn()
    finally:
        torch.set_num_threads(threads)
    rows = store.db.execute("SELECT spec, split, status, checks FROM attempts").fetchall()
    assert rows, "no attempt recorded"
    assert {r[1] for r in rows} >= {"train", "validation"}
    assert {r[2] for r in rows} <= KNOWN_STATUS, rows
    for spec, _split, status, checks in rows:
        assert spec and checks is not None  # every attempt names its spec and carries its verdict
    assert report.end >= report.start and set(report.metrics) >= {"train", "validation"}
    if any(r[1] == "train" and r[3] != "[]" for r in rows):  # train failed: candidates were proposed and judged
        assert report.decisions
    for d in report.decisions:  # whatever was proposed was decided with a reason
        assert d.reason
