# Sourced by the FAISS side-by-side scripts: installs Debian's python3-faiss when /usr/bin/python3 lacks it.
if ! /usr/bin/python3 -c 'import faiss' 2>/dev/null; then
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-faiss >/dev/null
fi
