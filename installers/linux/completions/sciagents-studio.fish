# fish completion for sciagents-studio (installed to share/fish/vendor_completions.d).
complete -c sciagents-studio -s h -l help -d 'show help'
complete -c sciagents-studio -l help-all -d 'show help including Qt options'
complete -c sciagents-studio -s v -l version -d 'show version'
complete -c sciagents-studio -F -a '(__fish_complete_suffix .json)'
