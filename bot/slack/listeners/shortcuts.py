"""*Teach tpm-bot*: a maintainer labels a message (a question, or the bot's wrong answer).

The message shortcut opens a modal with the question (cleaned, editable) and a topic picker
with "Not covered by the guide" at its top, plus a short note for that case. What is saved is
a pending example in the store (bot.store.teaching), cleaned text only; it becomes knowledge
only when a maintainer writes it to a team file with `tpm-bot review`. Only the Slack user ids
in TPM_BOT_MAINTAINERS may teach: anyone else gets a polite refusal only they can see.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.markup import clean_slack_text
from bot.core.models import KnowledgeBase
from bot.core.privacy import scrub
from bot.slack.blocks import label
from bot.slack.listeners.handled import Handled, logged
from bot.slack.listeners.services import services

#: The shortcut's callback id (declared in manifest.yml) and its modal's.
TEACH = "teach_tpm_bot"
TEACH_VIEW = "teach_tpm_bot_view"
QUESTION, SECTION, NOTE = "question", "section", "note"
#: The picker's value for "not in the guide" (never a section id: those are kebab-case).
NOT_COVERED = "_not_covered"
#: Options per select menu group (Slack allows 100).
GROUP = 100
NOT_A_MAINTAINER = (
    "Thanks for wanting to help! Teaching tpm-bot is open to its maintainers only; "
    "ask one of them to add this question."
)
NOT_SAVED = "Sorry, I couldn't save this right now. Please try again in a moment."
SAVED = (
    "Saved as a pending example. A maintainer adds it to the team's knowledge file with "
    "`tpm-bot review`; the bot answers it after the next reload."
)


def _is_maintainer(body: dict[str, Any], context: BoltContext) -> bool:
    user = str((body.get("user") or {}).get("id") or "")
    return bool(user) and user in services(context).settings.maintainers


def _team(body: dict[str, Any]) -> str:
    return str((body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or "")


def _question_of(body: dict[str, Any], client: WebClient, context: BoltContext) -> str:
    """The question the message is about: its own text, or, for the bot's answer in a thread,
    the message that opened the thread (the question it answered), cleaned."""
    message = body.get("message") or {}
    text = str(message.get("text") or "")
    from_bot = bool(message.get("bot_id")) or (
        context.bot_user_id is not None and message.get("user") == context.bot_user_id
    )
    thread = message.get("thread_ts")
    if from_bot:
        text = ""
        channel = (body.get("channel") or {}).get("id")
        if thread and channel and thread != message.get("ts"):
            try:
                found = client.conversations_replies(channel=channel, ts=thread, limit=1)
                first = (found.get("messages") or [{}])[0]
                text = str(first.get("text") or "")
            except SlackApiError:
                text = ""
    return scrub(clean_slack_text(text))


def _picker(kb: KnowledgeBase) -> StaticSelectElement:
    """Every topic, "Not covered by the guide" first; groups of 100 past Slack's limit."""
    options = [Option(value=NOT_COVERED, text="Not covered by the guide")]
    options += [Option(value=s.id, text=label(s.title, 75)) for s in kb.sections]
    placeholder = "Pick the topic that answers it"
    if len(options) <= GROUP:
        return StaticSelectElement(action_id=SECTION, placeholder=placeholder, options=options)
    groups = [
        OptionGroup(label=f"Topics {n + 1}-{min(n + GROUP, len(options))}", options=chunk)
        for n in range(0, len(options), GROUP)
        for chunk in [options[n : n + GROUP]]
    ]
    return StaticSelectElement(action_id=SECTION, placeholder=placeholder, option_groups=groups)


def teach_view(kb: KnowledgeBase, question: str, metadata: str) -> dict[str, Any]:
    """The modal: the question, the topic that answers it (or not covered), a note."""
    view = View(
        type="modal",
        callback_id=TEACH_VIEW,
        title=PlainTextObject(text="Teach tpm-bot"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata,
        blocks=[
            InputBlock(
                block_id=QUESTION,
                label="Question, as people ask it",
                element=PlainTextInputElement(
                    action_id=QUESTION, initial_value=question or None, max_length=1000
                ),
                hint="Mentions, links, emails and numbers are removed before it is kept.",
            ),
            InputBlock(block_id=SECTION, label="Answered by", element=_picker(kb)),
            InputBlock(
                block_id=NOTE,
                label="If not covered: what the guide lacks",
                optional=True,
                element=PlainTextInputElement(
                    action_id=NOTE,
                    max_length=200,
                    placeholder="pay at named companies",
                ),
                hint="Read after “The guide doesn't cover”.",
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Saved as a pending example until `tpm-bot review` adds it to "
                        "the team's knowledge file."
                    )
                ]
            ),
        ],
    )
    return view.to_dict()


def saved_view() -> dict[str, Any]:
    return View(
        type="modal",
        title=PlainTextObject(text="Teach tpm-bot"),
        close=PlainTextObject(text="Done"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=SAVED))],
    ).to_dict()


def on_teach(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> Handled:
    ack()
    if not _is_maintainer(body, context):
        respond(response_type="ephemeral", replace_original=False, text=NOT_A_MAINTAINER)
        return Handled("refused")
    question = _question_of(body, client, context)
    metadata = json.dumps({"team": _team(body)})
    kb = services(context).holder.matcher.kb
    client.views_open(trigger_id=body["trigger_id"], view=teach_view(kb, question, metadata))
    return Handled("opened")


def _value(values: dict[str, Any], block: str) -> dict[str, Any]:
    found: dict[str, Any] = (values.get(block) or {}).get(block) or {}
    return found


def on_teach_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
) -> Handled:
    values = (view.get("state") or {}).get("values") or {}
    question = str(_value(values, QUESTION).get("value") or "")
    picked = str((_value(values, SECTION).get("selected_option") or {}).get("value") or "")
    note = str(_value(values, NOTE).get("value") or "")
    provided = services(context)
    errors: dict[str, str] = {}
    if not _is_maintainer(body, context):
        errors[QUESTION] = NOT_A_MAINTAINER
    elif not scrub(clean_slack_text(question)):
        errors[QUESTION] = (
            "Write the question; nothing is left once mentions, links and numbers go."
        )
    if picked == NOT_COVERED and not scrub(note):
        errors[NOTE] = "Say in a few words what the guide lacks, like: pay at named companies."
    elif picked != NOT_COVERED and picked not in provided.holder.matcher.kb:
        errors[SECTION] = "That topic is no longer in the guide; pick another."
    if errors:
        ack(response_action="errors", errors=errors)
        return Handled("invalid")
    try:
        about = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        about = {}
    from bot.store.events import StoreUnavailable

    section = None if picked == NOT_COVERED else picked
    try:
        if provided.store is None:
            raise StoreUnavailable
        provided.store.teaching.add(
            team=str(about.get("team") or "") or _team(body),
            question=clean_slack_text(question),
            section=section,
            note=note,
        )
    except StoreUnavailable:
        ack(response_action="errors", errors={QUESTION: NOT_SAVED})
        return Handled("not_recorded")
    ack(response_action="update", view=saved_view())
    return Handled("taught_example" if section else "taught_gap", section or "-")


def register(app: App) -> None:
    app.shortcut(TEACH)(logged("shortcut")(on_teach))
    app.view(TEACH_VIEW)(logged("teach")(on_teach_submit))
