# bash completion for sciagents (installed to share/bash-completion/completions/sciagents).
# Commands and options mirror `sciagents --help` and `sciagents COMMAND --help`;
# tests/package/completions_test.py checks that they stay in step.
_sciagents() {
  local cur prev cmd i
  COMPREPLY=()
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local commands="agents validate run serve submit health feedback jobs status result attach cancel history replay report export-python help"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      agents|validate|run|serve|submit|health|feedback|jobs|status|result|attach|cancel|history|replay|report|export-python|help) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done

  case $prev in
    -o|--output|--token-file|--tls-cert|--tls-key)
      COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --data-dir|--slurm-dir)
      COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --log-level)
      COMPREPLY=($(compgen -W "trace debug info warn error off" -- "$cur")); return ;;
    --progress)
      COMPREPLY=($(compgen -W "auto bar lines none" -- "$cur")); return ;;
    --state)
      COMPREPLY=($(compgen -W "queued running succeeded failed cancelled timed_out" -- "$cur")); return ;;
    --target)
      COMPREPLY=($(compgen -W "local slurm http:// https://" -- "$cur")); return ;;
    --log-format)
      COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    --backend)
      COMPREPLY=($(compgen -W "local slurm" -- "$cur")); return ;;
    --format)
      COMPREPLY=($(compgen -W "csv json" -- "$cur")); return ;;
    --resume)
      COMPREPLY=($(compgen -W "rerun fail" -- "$cur")); return ;;
    --job-isolation)
      COMPREPLY=($(compgen -W "process thread" -- "$cur")); return ;;
    --on-revoke)
      COMPREPLY=($(compgen -W "cancel finish" -- "$cur")); return ;;
    --set|--threads|--seed|--sidecar-min|--host|--port|--workers|--server|--queue-max|--job-wall-time|\
    --retention-days|--max-body|--rate-limit|--shutdown-grace|--max-grid-points|--partition|--account|\
    --time-limit|--cpus|--mem|--tasks|--slurm-partition|--slurm-account|--slurm-time-limit|--slurm-cpus|\
    --slurm-tasks|--job-memory-mb|--max-queued-per-user|--max-running-per-user|--max-job-memory-mb|\
    --max-job-work|--max-solver-steps|--max-sweep-points|--max-steps|--request-threads|--max-result-mb|\
    --result-quota-mb|--sidecar-min-elements|--external-time-s|--external-memory-mb|--limit|--retries|\
    --slurm-retries|--owner)
      return ;;
    --allow-external)
      COMPREPLY=($(compgen -d -- "$cur")); return ;;
  esac

  local opts
  case $cmd in
    "") opts="--help --version --log-level"
        [[ $cur == -* ]] || { COMPREPLY=($(compgen -W "$commands" -- "$cur")); return; } ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
    agents) opts="--json --markdown --help" ;;
    validate) opts="--json --help" ;;
    run) opts="-o --output --set --threads --target --partition --account --time-limit --cpus --mem
               --tasks --slurm-dir --retries --no-cache --no-history --seed --json --progress --sidecar-min --log-level
               --help" ;;
    serve) opts="--host --port --data-dir --workers --queue-max --job-wall-time --resume --retention-days
                 --tls-cert --tls-key --log-format --max-body --rate-limit --shutdown-grace
                 --max-grid-points --job-isolation --job-memory-mb --max-queued-per-user
                 --max-running-per-user --max-job-memory-mb --max-job-work --max-solver-steps
                 --max-sweep-points --max-steps --request-threads --max-result-mb --result-quota-mb
                 --sidecar-min-elements --on-revoke --allow-external --external-time-s
                 --external-memory-mb --backend --slurm-partition --slurm-account --slurm-time-limit
                 --slurm-cpus --slurm-tasks --slurm-dir --slurm-retries --log-level --help"
           [[ $cur == -* ]] || {
             local sub=${COMP_WORDS[2]:-}
             if ((COMP_CWORD == 2)); then COMPREPLY=($(compgen -W "token" -- "$cur")); return; fi
             if [[ $sub == token ]] && ((COMP_CWORD == 3)); then
               COMPREPLY=($(compgen -W "create list revoke" -- "$cur")); return
             fi
             [[ $sub == token ]] && opts="--admin --json --data-dir"
           } ;;
    submit) opts="--server --token-file --wait -o --output --set --seed --no-cache --json --progress
                  --quiet --help" ;;
    health) opts="--server --json --help" ;;
    jobs) opts="--server --token-file --state --limit --owner --json --help" ;;
    status|cancel) opts="--server --token-file --json --help" ;;
    result) opts="--server --token-file -o --output --json --quiet --help" ;;
    attach) opts="--server --token-file -o --output --json --progress --quiet --help" ;;
    history) opts="--limit --json --help"
             [[ $cur == -* ]] || { ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "show delete" -- "$cur")); return; } ;;
    replay) opts="-o --output --threads --json --help" ;;
    report) opts="-o --output --help" ;;
    export-python) opts="-o --output --set --quiet --help" ;;
    feedback) opts="--format --data-dir -o --output --help"
              [[ $cur == -* ]] || { ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "export" -- "$cur")); return; } ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ $cmd == validate || $cmd == run || $cmd == submit || $cmd == replay || $cmd == report ||
        $cmd == export-python ]]; then
    # Workflow (or result) files first; fall back to every file and directory.
    COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
  fi
}
complete -o filenames -F _sciagents sciagents

_sciagents_studio() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "--help --help-all --version" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
  fi
}
complete -o filenames -F _sciagents_studio sciagents-studio
