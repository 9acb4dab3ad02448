"""Generation with vLLM, colocated in the training process, when vLLM is installed.

The engine loads the model from its path once; after every optimizer step
:meth:`VLLMGenerator.sync_weights` copies the trainer's weights into the engine in place (the
colocated mode TRL uses), so no checkpoint round trip is needed. vLLM must run its engine in this
process for that: ``VLLM_ENABLE_V1_MULTIPROCESSING=0`` is set before vLLM is imported.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from typing import Any

import torch

from toolgym.train.generation import GenerationRequest, GenerationResult


class VLLMUnavailableError(RuntimeError):
    """vLLM is not installed, or its engine does not expose the in-process model for weight sync."""


def vllm_available() -> bool:
    """True when vLLM can be imported and a CUDA device is present."""
    return importlib.util.find_spec("vllm") is not None and torch.cuda.is_available()


class VLLMGenerator:
    """Token-in, token-out sampling with a colocated vLLM engine."""

    def __init__(
        self,
        model_path: str,
        *,
        stop_ids: Sequence[int],
        vocab_size: int,
        temperature: float = 1.0,
        top_p: float = 1.0,
        gpu_memory_utilization: float = 0.3,
        max_model_len: int | None = None,
        dtype: str = "bfloat16",
        seed: int = 0,
    ) -> None:
        if importlib.util.find_spec("vllm") is None:
            raise VLLMUnavailableError("vLLM is not installed: pip install vllm")
        os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
        from vllm import LLM

        kwargs: dict[str, Any] = {
            "model": model_path,
            "gpu_memory_utilization": gpu_memory_utilization,
            "dtype": dtype,
            "seed": seed,
            "enable_prefix_caching": True,
        }
        if max_model_len is not None:
            kwargs["max_model_len"] = max_model_len
        try:  # logprobs after temperature scaling, like the trainer's (vLLM >= 0.10.2)
            self.llm = LLM(**kwargs, logprobs_mode="processed_logprobs")
        except TypeError:
            self.llm = LLM(**kwargs)
        self.stop_ids = [int(i) for i in stop_ids]
        self.vocab_size = int(vocab_size)
        self.temperature = float(temperature)
        self.top_p = float(top_p)

    def generate(self, requests: Sequence[GenerationRequest]) -> list[GenerationResult]:
        from vllm import SamplingParams
        from vllm.inputs import TokensPrompt

        prompts = [TokensPrompt(prompt_token_ids=list(r.context)) for r in requests]
        params = [
            SamplingParams(
                temperature=self.temperature,
                top_p=self.top_p,
                max_tokens=max(int(r.max_new_tokens), 1),
                stop_token_ids=self.stop_ids,
                logprobs=0,
                seed=int(r.seed),
                detokenize=False,
            )
            for r in requests
        ]
        outputs = self.llm.generate(prompts, params, use_tqdm=False)
        results: list[GenerationResult] = []
        for out, req in zip(outputs, requests):
            completion = out.outputs[0]
            ids: list[int] = []
            lps: list[float] = []
            for pos, tok in enumerate(completion.token_ids):
                if tok >= self.vocab_size or len(ids) >= req.max_new_tokens:
                    break  # a padded-embedding id the tokenizer cannot decode: end the turn here
                ids.append(int(tok))
                entry = completion.logprobs[pos] if completion.logprobs else None
                lps.append(float(entry[tok].logprob) if entry and tok in entry else float("nan"))
            results.append(GenerationResult(ids, lps))
        return results

    def sync_weights(self, model: torch.nn.Module) -> None:
        """Copy ``model``'s weights into the engine and drop cached prefixes computed with the old ones."""
        engine_model = self._engine_model()
        engine_model.load_weights(((name, p.detach()) for name, p in model.state_dict().items()))
        self.llm.reset_prefix_cache()

    def _engine_model(self) -> Any:
        executor = self.llm.llm_engine.model_executor
        worker = executor.driver_worker
        runner = getattr(worker, "model_runner", None) or getattr(getattr(worker, "worker", None), "model_runner", None)
        if runner is None or not hasattr(runner, "model"):
            raise VLLMUnavailableError("this vLLM version does not expose its in-process model; cannot sync weights")
        return runner.model
