#!/bin/bash
# Du et al.'s Table 1 as a SLURM job array: 8 tasks, each computing 1/8 of the 36 cells on 4 cores.
# Submit from the onecnn checkout: ./onecnn --version && mkdir -p logs && sbatch docs/slurm-array.sh
# (docs/cluster.md explains the shared run folder, who merges, and reruns).
#SBATCH --job-name=du2018-table1
#SBATCH --array=1-8
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=00:30:00
#SBATCH --output=logs/%x-%A_%a.out
set -euo pipefail
cd "$SLURM_SUBMIT_DIR"            # the onecnn checkout, on a file system every node sees
N=8                               # = the upper end of --array above
./onecnn run du2018-table1 --shard "$SLURM_ARRAY_TASK_ID/$N" --threads "$SLURM_CPUS_PER_TASK" -q \
    --out runs/du2018-table1-array
