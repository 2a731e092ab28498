"""Colmena's policy as code: custom cfn-lint rules (E9101-E9111) that `make template-check` runs on
template.yaml through `.cfnlintrc`'s `append_rules`. cfn-lint 1.x validates SAM resources as written (it
merges Globals into them and does not run the SAM transform), so the rules read `AWS::Serverless::Function`
and its `Events`, `Policies` and `EventInvokeConfig`, and plain CloudFormation resources where the template
writes them by hand."""
