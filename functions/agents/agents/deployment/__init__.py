"""The agent's deployment: the route that starts the workflow once (starter), and the workflow's tasks
(steps), each run by its own small Lambda handler (agents.handlers.deployment_*); the definition is
statemachines/agent_deployment.asl.json."""
