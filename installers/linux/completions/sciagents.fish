# fish completion for sciagents and sciagents-studio (installed to share/fish/vendor_completions.d).
# Commands and options mirror `sciagents --help` and `sciagents COMMAND --help`;
# tests/package/completions_test.py checks that they stay in step.
set -l cmds agents validate run serve submit health feedback help
complete -c sciagents -f
complete -c sciagents -n "not __fish_seen_subcommand_from $cmds" -a agents -d 'list agents, tasks and parameter schemas'
complete -c sciagents -n "not __fish_seen_subcommand_from $cmds" -a validate -d 'check a workflow file'
complete -c sciagents -n "not __fish_seen_subcommand_from $cmds" -a run -d 'run a workflow'
complete -c sciagents -n "not __fish_seen_subcommand_from $cmds" -a serve -d 'run the HTTP server'
complete -c sciagents -n "not __fish_seen_subcommand_from $cmds" -a submit -d 'send a workflow to a server'
complete -c sciagents -n "not __fish_seen_subcommand_from $cmds" -a health -d 'check a server or this installation'
complete -c sciagents -n "not __fish_seen_subcommand_from $cmds" -a feedback -d 'export a server\'s survey answers'
complete -c sciagents -n "not __fish_seen_subcommand_from $cmds" -a help -d 'show help for a command'
complete -c sciagents -n "__fish_seen_subcommand_from help" -a "$cmds"
complete -c sciagents -s h -l help -d 'show help'
complete -c sciagents -s V -l version -n "not __fish_seen_subcommand_from $cmds" -d 'show version'
complete -c sciagents -l log-level -x -a 'trace debug info warn error off' -d 'log level'

# Workflow files for validate, run and submit.
complete -c sciagents -n "__fish_seen_subcommand_from validate run submit" -F -a '(__fish_complete_suffix .json)'
complete -c sciagents -n "__fish_seen_subcommand_from agents validate run submit health" -l json -d 'print JSON'
complete -c sciagents -n "__fish_seen_subcommand_from agents" -l markdown -d 'agents reference page'

# run and submit
complete -c sciagents -n "__fish_seen_subcommand_from run submit" -s o -l output -r -F -d 'write the result file'
complete -c sciagents -n "__fish_seen_subcommand_from run submit" -l set -x -d 'override STEP.PARAM=VALUE'
complete -c sciagents -n "__fish_seen_subcommand_from run submit" -l seed -x -d 'base seed'
complete -c sciagents -n "__fish_seen_subcommand_from run submit" -l no-cache -d 'compute every step'
complete -c sciagents -n "__fish_seen_subcommand_from run submit" -l progress -x -a 'auto bar lines none' -d 'progress display'
complete -c sciagents -n "__fish_seen_subcommand_from run" -l threads -x -d 'worker threads'
complete -c sciagents -n "__fish_seen_subcommand_from run" -l target -x -a 'local slurm http:// https://' -d 'where to run'
complete -c sciagents -n "__fish_seen_subcommand_from run" -l sidecar-min -x -d 'threshold for .npy sidecars'
complete -c sciagents -n "__fish_seen_subcommand_from run" -l partition -x -d 'sbatch partition'
complete -c sciagents -n "__fish_seen_subcommand_from run" -l account -x -d 'sbatch account'
complete -c sciagents -n "__fish_seen_subcommand_from run" -l time-limit -x -d 'minutes per array task'
complete -c sciagents -n "__fish_seen_subcommand_from run" -l cpus -x -d 'CPUs per array task'
complete -c sciagents -n "__fish_seen_subcommand_from run" -l mem -x -d 'memory per array task (MB)'
complete -c sciagents -n "__fish_seen_subcommand_from run" -l tasks -x -d 'array tasks per sweep'
complete -c sciagents -n "__fish_seen_subcommand_from run" -l slurm-dir -x -a '(__fish_complete_directories)' -d 'shared job directory'
complete -c sciagents -n "__fish_seen_subcommand_from submit" -l wait -d 'follow the job'
complete -c sciagents -n "__fish_seen_subcommand_from submit" -s q -l quiet -d 'no progress'
complete -c sciagents -n "__fish_seen_subcommand_from submit health" -l server -x -d 'server URL'
complete -c sciagents -n "__fish_seen_subcommand_from submit" -l token-file -r -F -d 'bearer token file'

# serve
complete -c sciagents -n "__fish_seen_subcommand_from serve; and not __fish_seen_subcommand_from token" -a token -d 'manage API tokens'
complete -c sciagents -n "__fish_seen_subcommand_from token; and not __fish_seen_subcommand_from create list revoke" -a 'create list revoke'
complete -c sciagents -n "__fish_seen_subcommand_from token" -l admin -d 'admin token'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l host -x -d 'bind address'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l port -x -d 'TCP port'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l data-dir -x -a '(__fish_complete_directories)' -d 'data directory'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l workers -x -d 'jobs run at once'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l queue-max -x -d 'queued jobs before 429'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l job-wall-time -x -d 'per-job cap (s)'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l resume -x -a 'rerun fail' -d 'jobs found running at startup'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l retention-days -x -d 'delete finished jobs after'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l tls-cert -r -F -d 'PEM certificate chain'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l tls-key -r -F -d 'PEM key'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l log-format -x -a 'text json' -d 'log format'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l max-body -x -d 'request body limit'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l rate-limit -x -d 'requests/s per token'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l shutdown-grace -x -d 'seconds after SIGTERM'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l max-grid-points -x -d 'largest PDE grid'

# serve --backend slurm (docs/slurm.md)
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l backend -x -a 'local slurm' -d 'where jobs run'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l slurm-partition -x -d 'sbatch partition'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l slurm-account -x -d 'sbatch account'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l slurm-time-limit -x -d 'minutes per array task'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l slurm-cpus -x -d 'CPUs per array task'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l slurm-tasks -x -d 'array tasks per job'
complete -c sciagents -n "__fish_seen_subcommand_from serve" -l slurm-dir -x -a '(__fish_complete_directories)' -d 'shared job directory'

# feedback export (docs/feedback.md)
complete -c sciagents -n "__fish_seen_subcommand_from feedback; and not __fish_seen_subcommand_from export" -a export -d 'export survey answers'
complete -c sciagents -n "__fish_seen_subcommand_from feedback" -l format -x -a 'csv json' -d 'output format'
complete -c sciagents -n "__fish_seen_subcommand_from feedback" -l data-dir -x -a '(__fish_complete_directories)' -d 'server data directory'
complete -c sciagents -n "__fish_seen_subcommand_from feedback" -s o -l output -r -F -d 'write to a file'
