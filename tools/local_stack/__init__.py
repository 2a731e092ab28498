"""The local stack: template.yaml deployed on MiniStack, on this machine, without Docker or an AWS account.

launcher/    what MiniStack lacks, patched in at start-up (never by editing the installed package)
package.py   the functions and the layer zipped for this machine's architecture
stack.py     deploy template.yaml as one stack, hot reload, `make run`
invoke.py    `make invoke`, the Docker-free `sam local invoke`
"""
