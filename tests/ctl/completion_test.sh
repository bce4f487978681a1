#!/bin/bash
# The bash completion the package installs (completion/autoresponder-ctl),
# loaded by bash-completion as bash would: commands, queue subcommands and
# their flags complete.
set -u
SRC="$1"
. /usr/share/bash-completion/bash_completion || { echo "FAIL: bash-completion missing"; exit 1; }
. "$SRC/completion/autoresponder-ctl"

complete_line() {
    COMP_LINE="$*"
    read -r -a COMP_WORDS <<<"$COMP_LINE"
    [[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _autoresponder_ctl autoresponder-ctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    echo "${COMPREPLY[*]}"
}

fail=0
expect() {
    local line=$1 want=$2 got
    got=$(complete_line "$line")
    if [[ " $got " != *" $want "* ]]; then
        echo "FAIL: '$line' completes to '$got', expected '$want' among them"
        fail=1
    fi
}
expect "autoresponder-ctl qu" queue
expect "autoresponder-ctl queue h" hold
expect "autoresponder-ctl queue r" release
expect "autoresponder-ctl queue list --j" --json
expect "autoresponder-ctl queue delete --" --all-failed
expect "autoresponder-ctl --ver" --version
expect "autoresponder-ctl sequence list --j" --json
expect "autoresponder-ctl person show --j" --json
expect "autoresponder-ctl suppression list --j" --json
expect "autoresponder-ctl schedule --j" --json
expect "autoresponder-ctl --config /etc/x.conf ooo s" show
[[ $fail -eq 0 ]] && echo "completion: ok"
exit $fail
