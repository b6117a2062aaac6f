"""Any server that speaks the OpenAI chat-completions API: OpenAI, vLLM, Ollama, llama.cpp server.

``POST {base_url}/chat/completions`` with ``requests``. The API key is read from an environment
variable (``OPENAI_API_KEY`` by default) at request time and sent as a bearer token; it is never
stored in messages or reports, and a local server that needs no key gets no header. Timeouts,
connection errors, HTTP 429 and 5xx are retried with exponential backoff (a ``Retry-After``
header, capped at ``max_backoff``, wins); any other 4xx fails at once with the server's message.
With a schema, ``response_format`` asks for JSON of that schema and the answer is validated
(and retried with the error) as with every backend.
"""

from __future__ import annotations

import email.utils
import os
import re
import time
from typing import Any
from urllib.parse import urlsplit

from .base import Message, ModelClient, ModelError, ModelOutputError
from .structured import complete_with_schema

__all__ = ["DEFAULT_BASE_URL", "OpenAICompatibleModel"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
_RETRY_STATUS = {408, 409, 425, 429}


def _server_message(resp) -> str:
    """The error text a server sent: ``{"error": {"message": ...}}``, ``{"error": "..."}`` or the body."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        e = body.get("error", body.get("message", body.get("detail")))
        if isinstance(e, dict):
            e = e.get("message") or e
        if e:
            return " ".join(str(e).split())[:300]
    text = " ".join((resp.text or "").split())
    return text[:300] or (resp.reason or "no message")


def _retry_after(resp) -> float | None:
    """Seconds from a ``Retry-After`` header (number or HTTP date), if any."""
    value = resp.headers.get("Retry-After") if resp is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class OpenAICompatibleModel(ModelClient):
    name = "openai"

    def __init__(self, model: str, base_url: str = DEFAULT_BASE_URL, *, api_key_env: str = "OPENAI_API_KEY",
                 timeout: float = 120.0, retries: int = 4, backoff: float = 1.0, max_backoff: float = 60.0,
                 attempts: int = 3, temperature: float = 0.0, max_tokens: int | None = None,
                 seed: int | None = 0, response_format: str = "json_schema"):
        if not model:
            raise ModelError("openai: give a model name, e.g. openai:gpt-4o-mini@https://api.openai.com/v1")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ModelError(f"openai: base URL must be http(s)://host[:port]/path, not {base_url!r}")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", api_key_env):
            raise ModelError(f"openai: {api_key_env!r} is not an environment variable name")
        if response_format not in ("json_schema", "json_object", "none"):
            raise ModelError("openai: response_format is one of json_schema, json_object, none")
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.api_key_env = api_key_env
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.attempts = attempts
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.seed = seed
        self.response_format = response_format
        self._session: Any = None

    def __repr__(self) -> str:  # never the key
        return f"OpenAICompatibleModel({self.model!r}, {self.base_url!r}, api_key_env={self.api_key_env!r})"

    def describe(self) -> str:
        return f"openai {self.model} @ {self.base_url}"

    @property
    def url(self) -> str:
        return f"{self.base_url}/chat/completions"

    # ------------------------------------------------------------------ transport
    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = os.environ.get(self.api_key_env, "").strip()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _wait(self, attempt: int, resp) -> float:
        after = _retry_after(resp)
        delay = after if after is not None else self.backoff * (2 ** attempt)
        return min(delay, self.max_backoff)

    def post(self, payload: dict) -> dict:
        """POST ``payload``; the decoded JSON body of a 2xx answer, retried as the module says."""
        import requests

        if self._session is None:
            self._session = requests.Session()
        tries = self.retries + 1
        problem = ""
        for attempt in range(tries):
            resp = None
            try:
                resp = self._session.post(self.url, json=payload, headers=self._headers(), timeout=self.timeout)
            except requests.Timeout:
                problem = f"no answer within {self.timeout:g} s"
            except requests.ConnectionError as exc:
                problem = f"cannot connect ({type(exc).__name__})"
            except requests.RequestException as exc:
                raise ModelError(f"POST {self.url}: {type(exc).__name__}: {exc}") from None
            else:
                if 200 <= resp.status_code < 300:
                    return self._body(resp)
                problem = f"HTTP {resp.status_code}: {_server_message(resp)}"
                if resp.status_code < 500 and resp.status_code not in _RETRY_STATUS:
                    raise ModelError(f"POST {self.url}: {problem}")
            if attempt + 1 < tries:
                time.sleep(self._wait(attempt, resp))
        raise ModelError(f"POST {self.url}: {problem} (gave up after {tries} attempt{'s' if tries != 1 else ''})")

    def _body(self, resp) -> dict:
        try:
            body = resp.json()
        except ValueError:
            snippet = " ".join((resp.text or "").split())[:200]
            raise ModelOutputError(f"POST {self.url}: HTTP {resp.status_code} body is not JSON: {snippet!r}",
                                   resp.text[:2000]) from None
        if not isinstance(body, dict):
            raise ModelOutputError(f"POST {self.url}: the answer is JSON but not an object", resp.text[:2000])
        return body

    # ------------------------------------------------------------------ chat
    def chat(self, messages: list[Message], schema: dict | None = None) -> str:
        """One chat completion; the text of ``choices[0].message.content``."""
        payload: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature}
        if self.max_tokens is not None:
            payload["max_tokens"] = self.max_tokens
        if self.seed is not None:
            payload["seed"] = self.seed
        if schema is not None and self.response_format == "json_schema":
            name = re.sub(r"[^A-Za-z0-9_-]+", "_", str(schema.get("title") or "answer"))[:64]
            payload["response_format"] = {"type": "json_schema",
                                          "json_schema": {"name": name, "schema": schema, "strict": False}}
        elif schema is not None and self.response_format == "json_object":
            payload["response_format"] = {"type": "json_object"}
        body = self.post(payload)
        try:
            message = body["choices"][0]["message"]
            content = message["content"]
        except (KeyError, IndexError, TypeError):
            raise ModelOutputError(f"POST {self.url}: the answer has no choices[0].message.content",
                                   str(body)[:2000]) from None
        if not isinstance(content, str):
            refusal = message.get("refusal") if isinstance(message, dict) else None
            raise ModelOutputError(f"POST {self.url}: choices[0].message.content is "
                                   f"{'a refusal: ' + str(refusal) if refusal else type(content).__name__}",
                                   str(body)[:2000])
        return content

    def complete(self, messages: list[Message], schema: dict | None = None) -> Any:
        if schema is None:
            return self.chat(messages)
        return complete_with_schema(lambda turns: self.chat(turns, schema), messages, schema,
                                    self.attempts, self.describe())
