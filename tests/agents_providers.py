"""In-memory ElevenLabs and Twilio for the deployment's unit and handler tests: they keep what exists, the
way the real services do, and can be told to fail a call (the next `n` calls of a method raise an error)."""

from __future__ import annotations

import itertools
from collections import defaultdict

from agents.providers.elevenlabs import Agent, ImportedNumber
from agents.providers.errors import NoNumberAvailable
from agents.providers.twilio import PurchasedNumber

_ids = itertools.count(1)


class Failing:
    """`fail("create_agent", error)` makes the next call of create_agent raise `error` (once per call to fail)."""

    def __init__(self) -> None:
        self.failures: dict[str, list[Exception]] = defaultdict(list)
        self.calls: list[str] = []

    def fail(self, method: str, error: Exception, times: int = 1) -> None:
        self.failures[method].extend([error] * times)

    def _call(self, method: str) -> None:
        self.calls.append(method)
        if self.failures[method]:
            raise self.failures[method].pop(0)


class FakeElevenLabs(Failing):
    def __init__(self) -> None:
        super().__init__()
        self.agents: dict[str, Agent] = {}
        self.prompts: dict[str, tuple[str, str, str, str]] = {}  # agent id -> prompt, first message, voice, language
        self.numbers: dict[str, ImportedNumber] = {}
        self.credentials: dict[str, tuple[str, str]] = {}  # phone number id -> the Twilio SID and token

    def create_agent(self, *, name: str, system_prompt: str, first_message: str, voice_id: str, language: str) -> str:
        self._call("create_agent")
        agent_id = f"agent_{next(_ids)}"
        self.agents[agent_id] = Agent(agent_id=agent_id, name=name)
        self.prompts[agent_id] = (system_prompt, first_message, voice_id, language)
        return agent_id

    def find_agent(self, name: str) -> Agent | None:
        self._call("find_agent")
        return next((agent for agent in self.agents.values() if agent.name == name), None)

    def delete_agent(self, agent_id: str) -> None:
        self._call("delete_agent")
        self.agents.pop(agent_id, None)

    def import_twilio_number(self, *, phone_number: str, label: str, sid: str, token: str) -> str:
        self._call("import_twilio_number")
        phone_number_id = f"phnum_{next(_ids)}"
        self.numbers[phone_number_id] = ImportedNumber(phone_number_id, phone_number, label, None)
        self.credentials[phone_number_id] = (sid, token)
        return phone_number_id

    def find_number(self, phone_number: str) -> ImportedNumber | None:
        self._call("find_number")
        return next((n for n in self.numbers.values() if n.phone_number == phone_number), None)

    def assign_agent(self, phone_number_id: str, agent_id: str) -> None:
        self._call("assign_agent")
        number = self.numbers[phone_number_id]
        self.numbers[phone_number_id] = ImportedNumber(
            number.phone_number_id, number.phone_number, number.label, agent_id
        )

    def delete_number(self, phone_number_id: str) -> None:
        self._call("delete_number")
        self.numbers.pop(phone_number_id, None)


class FakeTwilio(Failing):
    def __init__(self, available: int = 5) -> None:
        super().__init__()
        self.available = [f"+3491000{n:04d}" for n in range(available)]
        self.purchased: dict[str, PurchasedNumber] = {}
        self.callbacks: dict[str, str] = {}
        self.countries: dict[str, str] = {}

    def find_purchased(self, friendly_name: str) -> PurchasedNumber | None:
        self._call("find_purchased")
        return next((n for n in self.purchased.values() if n.friendly_name == friendly_name), None)

    def buy_local_number(self, *, country: str, friendly_name: str, status_callback_url: str) -> PurchasedNumber:
        self._call("buy_local_number")
        if not self.available:
            raise NoNumberAvailable("twilio", f"Twilio has no local number available in {country}", status=404)
        number = PurchasedNumber(
            sid=f"PN{next(_ids):032d}", phone_number=self.available.pop(0), friendly_name=friendly_name
        )
        self.purchased[number.sid] = number
        self.callbacks[number.sid] = status_callback_url
        self.countries[number.sid] = country
        return number

    def release(self, sid: str) -> None:
        self._call("release")
        self.purchased.pop(sid, None)
