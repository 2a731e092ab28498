"""The Agents context's two providers: ElevenLabs (the conversational agent and the numbers it answers, over
its REST API with a small client of the project's) and Twilio (the local phone numbers, with the official
`twilio` library). Each failure is one of errors.py's typed errors, whose class names the agent-deployment
state machine retries or catches."""
