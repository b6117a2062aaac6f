"""Model backends with real components: a tiny causal LM built and trained here (no downloads),
a local HTTP server that speaks the chat-completions API, and `ouro synth --describe` end to end."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from synth.models import (ModelError, ModelOutputError, OpenAICompatibleModel, ScriptedModel, TransformersModel,
                          build_model)

BIN = Path(sys.executable).parent
SCHEMA = {"type": "object", "properties": {"answer": {"type": "integer"}, "ok": {"type": "boolean"}},
          "required": ["answer", "ok"], "additionalProperties": False}
ANSWER = '{"answer": 42, "ok": true}'
PROMPT = [{"role": "system", "content": "Reply in JSON."}, {"role": "user", "content": "What is the answer?"}]


# --------------------------------------------------------------------------- transformers
CHAT_TEMPLATE = ("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
                 "{% if add_generation_prompt %}<|assistant|>{% endif %}")


def _tokenizer(chat_template: str | None):
    """A byte-level BPE tokenizer trained on a few lines (any text encodes; nothing downloaded)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    corpus = ["<|system|>Reply in JSON.<|end|><|user|>What is the answer?<|end|><|assistant|>", ANSWER,
              "That answer cannot be used: model answer is not JSON. Answer again."] * 10
    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    tk.train_from_iterator(corpus, trainers.BpeTrainer(
        vocab_size=320, special_tokens=["<|end|>", "<|pad|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, eos_token="<|end|>", pad_token="<|pad|>")
    tok.chat_template = chat_template
    return tok


def _tiny_gpt2(tok, seed: int = 0):
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    return GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_positions=512, n_embd=32, n_layer=2, n_head=2,
                                      bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id,
                                      pad_token_id=tok.pad_token_id))


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    """Folders with a random-weights model and one trained (plain torch, CPU) to answer PROMPT."""
    if not TransformersModel.is_available():
        pytest.skip("torch/transformers not installed")
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model: threads only add overhead on a shared machine
    try:
        root = tmp_path_factory.mktemp("tiny-lm")
        tok = _tokenizer(CHAT_TEMPLATE)
        random_dir, trained_dir = root / "random", root / "trained"
        for d in (random_dir, trained_dir):
            tok.save_pretrained(d)
        _tiny_gpt2(tok).save_pretrained(random_dir)

        prompt = TransformersModel(str(random_dir)).encode_prompt(PROMPT)  # the backend's own tokenisation
        answer = tok(ANSWER, add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
        x = torch.tensor([prompt + answer])
        labels = x.clone()
        labels[0, :len(prompt)] = -100  # learn the answer, not the prompt
        model = _tiny_gpt2(tok, seed=1)
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(120):
            loss = model(input_ids=x, labels=labels).loss
            opt.zero_grad()
            loss.backward()
            opt.step()
        assert loss.item() < 0.05, loss.item()
        model.save_pretrained(trained_dir)
        yield random_dir, trained_dir
    finally:
        torch.set_num_threads(threads)


def test_transformers_random_weights_end_in_a_clear_output_error(tiny_models):
    random_dir, _ = tiny_models
    m = TransformersModel(str(random_dir), max_new_tokens=12, attempts=2)
    assert m.render_prompt(PROMPT) == ("<|system|>Reply in JSON.<|end|><|user|>What is the answer?<|end|>"
                                       "<|assistant|>")
    with pytest.raises(ModelOutputError) as info:
        m.complete(PROMPT, SCHEMA)
    msg = str(info.value)
    assert msg.startswith(f"transformers {random_dir} (cpu) gave no usable answer in 2 attempts; last: model answer")
    assert "\n" not in msg
    text = m.complete(PROMPT)  # without a schema: the text, deterministic (greedy)
    assert isinstance(text, str) and text == m.complete(PROMPT)


def test_transformers_trained_model_answers_valid_json(tiny_models):
    _, trained_dir = tiny_models
    m = TransformersModel(str(trained_dir), max_new_tokens=40)
    assert m.complete(PROMPT, SCHEMA) == {"answer": 42, "ok": True}
    assert m.complete(PROMPT) == ANSWER  # generation stops at the tokenizer's end token


def test_transformers_without_chat_template_uses_a_transcript(tiny_models, tmp_path):
    random_dir, _ = tiny_models
    _tokenizer(None).save_pretrained(tmp_path)
    for f in random_dir.iterdir():
        if f.name.startswith(("config", "model", "generation")):
            (tmp_path / f.name).write_bytes(f.read_bytes())
    m = TransformersModel(str(tmp_path), max_new_tokens=4)
    assert m.render_prompt(PROMPT) == "system: Reply in JSON.\nuser: What is the answer?\nassistant:"
    assert isinstance(m.complete(PROMPT), str)


def test_transformers_missing_model_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="no model folder at"):
        TransformersModel(str(tmp_path / "nothing-here")).complete(PROMPT)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="cannot load"):
        TransformersModel(str(tmp_path / "empty"), local_files_only=True).complete(PROMPT)


# --------------------------------------------------------------------------- OpenAI-compatible HTTP
def _chat_body(content) -> dict:
    return {"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": {
        "role": "assistant", "content": content}, "finish_reason": "stop"}]}


class _Server:
    """A chat-completions server on 127.0.0.1 that replays (status, headers, body, delay) replies."""

    def __init__(self):
        self.replies: list[tuple[int, dict, bytes, float]] = []
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "t": time.monotonic(),
                                        "json": json.loads(body)})
                status, headers, payload, delay = (server.replies.pop(0) if server.replies
                                                   else (500, {}, b'{"error": "no reply scripted"}', 0.0))
                time.sleep(delay)
                try:
                    self.send_response(status)
                    for k, v in {"Content-Type": "application/json", **headers}.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timeout) and closed the connection
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda *a: None
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def reply(self, status=200, body=None, headers=None, delay=0.0, raw: bytes | None = None):
        payload = raw if raw is not None else json.dumps(body).encode()
        self.replies.append((status, headers or {}, payload, delay))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = _Server()
    yield s
    s.close()


def _client(server, **kw) -> OpenAICompatibleModel:
    opts = dict(timeout=5.0, retries=3, backoff=0.01, max_backoff=2.0)
    opts.update(kw)
    return OpenAICompatibleModel("tiny-model", server.base_url, **opts)


def test_openai_success_sends_model_messages_and_the_key(server, monkeypatch):
    monkeypatch.setenv("OURO_TEST_KEY", "sk-test-123")
    server.reply(body=_chat_body("hello"))
    m = _client(server, api_key_env="OURO_TEST_KEY")
    assert m.complete(PROMPT) == "hello"
    (req,) = server.requests
    assert req["path"] == "/v1/chat/completions"
    assert req["headers"]["Authorization"] == "Bearer sk-test-123"
    assert req["json"]["model"] == "tiny-model" and req["json"]["messages"] == PROMPT
    assert req["json"]["temperature"] == 0.0 and "response_format" not in req["json"]
    assert "sk-test-123" not in repr(m) and "sk-test-123" not in m.describe()


def test_openai_no_key_no_authorization_header(server, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    server.reply(body=_chat_body("hi"))
    assert _client(server).complete(PROMPT) == "hi"
    assert "Authorization" not in server.requests[0]["headers"]


def test_openai_429_honours_retry_after(server):
    server.reply(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "0.4"})
    server.reply(body=_chat_body("after the wait"))
    assert _client(server).complete(PROMPT) == "after the wait"
    first, second = server.requests
    assert second["t"] - first["t"] >= 0.4  # Retry-After, not the 0.01 s backoff


def test_openai_500_then_200_is_retried(server):
    server.reply(500, {"error": "boom"})
    server.reply(body=_chat_body("fine"))
    assert _client(server).complete(PROMPT) == "fine"
    assert len(server.requests) == 2


def test_openai_slow_answer_times_out_and_is_retried(server):
    server.reply(body=_chat_body("too late"), delay=1.5)
    server.reply(body=_chat_body("in time"))
    t0 = time.monotonic()
    assert _client(server, timeout=0.3).complete(PROMPT) == "in time"
    assert len(server.requests) == 2 and time.monotonic() - t0 < 1.5


def test_openai_persistent_500_gives_up_with_the_server_message(server):
    for _ in range(3):
        server.reply(503, {"error": {"message": "overloaded"}})
    with pytest.raises(ModelError) as info:
        _client(server, retries=2).complete(PROMPT)
    assert not isinstance(info.value, ModelOutputError)
    assert "HTTP 503: overloaded" in str(info.value) and "gave up after 3 attempts" in str(info.value)
    assert len(server.requests) == 3


def test_openai_401_fails_at_once_without_the_key_in_the_message(server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-456")
    server.reply(401, {"error": {"message": "Incorrect API key provided"}})
    server.reply(body=_chat_body("never asked"))
    with pytest.raises(ModelError) as info:
        _client(server).complete(PROMPT)
    assert "HTTP 401: Incorrect API key provided" in str(info.value)
    assert "sk-wrong-456" not in str(info.value)
    assert len(server.requests) == 1


def test_openai_malformed_bodies_are_output_errors(server):
    server.reply(raw=b"<html>not json</html>")
    with pytest.raises(ModelOutputError, match="body is not JSON"):
        _client(server).complete(PROMPT)
    server.reply(body={"choices": []})
    with pytest.raises(ModelOutputError, match=r"no choices\[0\]\.message\.content"):
        _client(server).complete(PROMPT)
    assert len(server.requests) == 2  # a malformed 200 is not retried


def test_openai_schema_sends_response_format_and_retries_with_the_error(server):
    server.reply(body=_chat_body("The answer is 42."))
    server.reply(body=_chat_body('{"answer": "42", "ok": true}'))
    server.reply(body=_chat_body(ANSWER))
    assert _client(server).complete(PROMPT, SCHEMA) == {"answer": 42, "ok": True}
    first, second, third = (r["json"] for r in server.requests)
    assert first["response_format"] == {"type": "json_schema",
                                        "json_schema": {"name": "answer", "schema": SCHEMA, "strict": False}}
    assert second["messages"][-2] == {"role": "assistant", "content": "The answer is 42."}
    assert "not JSON" in second["messages"][-1]["content"]
    assert "schema at answer: '42' is not of type 'integer'" in third["messages"][-1]["content"]


def test_openai_schema_out_of_attempts(server):
    for _ in range(2):
        server.reply(body=_chat_body("no"))
    with pytest.raises(ModelOutputError, match="gave no usable answer in 2 attempts; last: model answer is not JSON"):
        _client(server, attempts=2).complete(PROMPT, SCHEMA)


# --------------------------------------------------------------------------- registry
def test_build_model_from_strings(tmp_path):
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(["one", {"two": 2}]))
    m = build_model(f"scripted:{answers}")
    assert isinstance(m, ScriptedModel) and m.complete(PROMPT) == "one" and m.complete(PROMPT, {}) == {"two": 2}
    o = build_model("openai:llama3.1:8b@http://127.0.0.1:11434/v1", ["timeout=7.5", "retries=1"])
    assert (o.model, o.base_url, o.timeout, o.retries) == ("llama3.1:8b", "http://127.0.0.1:11434/v1", 7.5, 1)
    assert build_model("openai:gpt-4o-mini").base_url == "https://api.openai.com/v1"
    t = build_model("transformers:some-org/some-model", ["device=cpu", "max_new_tokens=16"])
    assert isinstance(t, TransformersModel) and t.max_new_tokens == 16  # nothing loaded yet


@pytest.mark.parametrize("text,options,message", [
    ("nope:x", [], "unknown backend 'nope'"),
    ("gpt-4o", [], "names no backend"),
    ("openai:", [], "nothing after 'openai:'"),
    ("scripted:missing.json", [], "no such answers file"),
    ("openai:m@ftp://host", [], "base URL must be http"),
    ("openai:m", ["colour=red"], "not an option of the openai backend"),
    ("openai:m", ["timeout=soon"], "timeout=soon"),
    ("transformers:x", ["max_new_tokens"], "expected KEY=VALUE"),
])
def test_build_model_errors(text, options, message):
    with pytest.raises(ModelError, match=message):
        build_model(text, options)


# --------------------------------------------------------------------------- ouro synth --describe
ESCROW = {"kind": "escrow", "name": "JobEscrow", "description": "Escrow for one freelance job.",
          "access": "ownable", "options": {"disputes": True, "deadline_refund": True},
          "parameters": {"price": "2 ether", "deadline": "14 days"}, "invariants": []}


def _describe(tmp_path, answers, *extra, env=None):
    f = tmp_path / "answers.json"
    f.write_text(json.dumps(answers))
    out = tmp_path / "out"
    proc = subprocess.run([str(BIN / "ouro"), "synth", "--describe", "an escrow for a 2 ether job, refund after "
                           "14 days", "--model", f"scripted:{f}", "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=600, env=env)
    return proc, out


def test_describe_synthesises_the_models_spec(tmp_path, ouro_env):
    proc, out = _describe(tmp_path, [ESCROW], "--max-examples", "5", "--no-replay", env=ouro_env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "PASSED" in proc.stdout and "spec written by scripted" in proc.stderr
    import yaml

    assert yaml.safe_load((out / "spec.yaml").read_text()) == ESCROW
    assert (out / "contracts" / "JobEscrow.sol").is_file()
    doc = json.loads((out / "reports" / "verification.json").read_text())
    assert doc["synthesis"]["passed"] and doc["synthesis"]["spec"] == "JobEscrow"


@pytest.mark.parametrize("answer,message", [
    ("Sure! Here is your escrow contract.", "model answer is not JSON"),
    ({**ESCROW, "options": {"bogus": True}}, "schema at options: Additional properties are not allowed ('bogus'"),
    ({**ESCROW, "kind": "escrw"}, 'schema at kind: "escrw" is not one of'),
    ({**ESCROW, "parameters": {"price": "2 etherz"}}, "spec from the model:10: parameters.price: unknown unit 'etherz'"),
])
def test_describe_rejects_unusable_answers_and_writes_nothing(tmp_path, ouro_env, answer, message):
    proc, out = _describe(tmp_path, [answer], env=ouro_env)
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error ") and message in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not out.exists()


def test_describe_bad_model_and_usage_errors(tmp_path, ouro_env):
    for args, message in [(["--describe", "x", "--model", "nope:x"], "unknown backend 'nope'"),
                          (["--describe", "x", "--model", "openai:m@http://127.0.0.1:9/v1", "--model-option",
                            "retries=0"], "cannot connect"),
                          (["--model", "openai:m"], "give a SPEC file, or --describe"),
                          ([], "give a SPEC file, or --describe"),
                          (["x.yaml", "--describe", "x"], "either SPEC or --describe")]:
        env = {k: v for k, v in ouro_env.items() if k != "OURO_MODEL"}
        proc = subprocess.run([str(BIN / "ouro"), "synth", *args], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=120)
        assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)
    assert list(tmp_path.iterdir()) == []


def test_describe_retries_once_with_the_loaders_problems():
    from synth.describe import spec_from_description

    model = ScriptedModel([{**ESCROW, "parameters": {"deadline": "two weeks"}}, ESCROW])
    spec, text = spec_from_description("an escrow", model)
    assert spec.name == "JobEscrow" and text.startswith("# written by scripted")
    retry = model.calls[1][-1]["content"]
    assert retry.startswith("That spec is invalid: spec from the model:") and "parameters.deadline" in retry


def test_schema_errors_name_the_field_inside_the_spec_union():
    from synth.models import validate
    from synth.spec import spec_schema

    def problem(value):
        with pytest.raises(ModelOutputError) as info:
            validate(value, spec_schema())
        return str(info.value).removeprefix("model answer does not match the schema at ")

    assert problem({"kind": "multisig", "name": "Safe", "access": "ownable"}) == "access: 'owners' was expected"
    assert problem({"name": "Safe"}) == "(top level): 'kind' is a required property"
    assert problem({**ESCROW, "name": 5}) == "name: 5 is not of type 'string'"
    assert problem({**ESCROW, "kind": "vault"}).startswith('kind: "vault" is not one of "auction", ')


def test_describe_through_the_http_backend(server):
    from synth.describe import spec_from_description
    from synth.spec import spec_schema

    server.reply(body=_chat_body("```json\n" + json.dumps(ESCROW) + "\n```"))
    spec, text = spec_from_description("an escrow for a 2 ether job", _client(server))
    assert (spec.kind, spec.name, spec.parameters.price) == ("escrow", "JobEscrow", 2 * 10**18)
    (req,) = server.requests
    fmt = req["json"]["response_format"]["json_schema"]
    assert fmt["name"] == "ouro_contract_spec" and fmt["schema"] == spec_schema()
    assert req["json"]["messages"][-1] == {"role": "user", "content": "an escrow for a 2 ether job"}
