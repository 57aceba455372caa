#!/usr/bin/env bash
# Runs the pipeline benchmark (dotnet run -c Release --project bench -- pipeline: Rehydrate, RehydrateStream and Redact
# over gRPC, the TokenVault, the Rehydrator and the Redactor as Kestrel services) with the vault on real services: the throw-away
# PostgreSQL cluster (durable settings) and SoftHSM2 token that scripts/bench-vault.sh starts and removes.
#
# Usage: bash scripts/bench-pipeline.sh [seconds per level, default 20]
#   The PI_BENCH_* variables of scripts/bench-vault.sh apply (synchronous_commit, shared_buffers, keeping the run folder).
set -euo pipefail
PI_BENCH_COMMAND=pipeline exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bench-vault.sh" "$@"
