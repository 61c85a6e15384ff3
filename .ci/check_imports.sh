#!/usr/bin/env bash
# The imports run one way (docs/ARCHITECTURE.md): main → cli → batch → (vx, input, output,
# journal, sim, batch/reorder) → report → (files, pii) → recon. Each package has a rank; a
# package may import only packages of a higher rank. Fails on an arrow that runs back up (or
# sideways), and on a package that has no rank yet: give it one here and in the architecture.
set -euo pipefail
cd "$(dirname "$0")/.."
mod=$(go list -m)
declare -A rank=(
  [main]=0
  [cli]=1
  [batch]=2
  [batch/reorder]=3 [vx]=3 [input]=3 [output]=3 [journal]=3 [ledger]=3 [sim]=3
  [report]=4
  [files]=5 [pii]=5 [input/bombtest]=5 [ledger/ledgertest]=5 [vx/vxtest]=5
  [recon]=6
)
bad=0
while read -r pkg imports; do
  [[ $pkg == "$mod" || $pkg == "$mod/"* ]] || continue
  p=${pkg#"$mod"}; p=${p#/}; p=${p:-main}
  if [[ -z ${rank[$p]+x} ]]; then echo "package $p has no rank in .ci/check_imports.sh"; bad=1; continue; fi
  for imp in $imports; do
    [[ $imp == "$mod/"* ]] || continue
    q=${imp#"$mod/"}
    if [[ -z ${rank[$q]+x} ]]; then echo "package $q has no rank in .ci/check_imports.sh"; bad=1; continue; fi
    if (( rank[$q] <= rank[$p] )); then
      echo "$p imports $q: an arrow that runs back up (rank ${rank[$p]} → ${rank[$q]})"
      bad=1
    fi
  done
done < <(go list -deps -f '{{.ImportPath}} {{join .Imports " "}}' ./...)
if (( bad )); then exit 1; fi
echo "imports run one way"
