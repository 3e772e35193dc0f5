"""The bot's memory: one SQL database (SQLite by default, PostgreSQL for several instances).

SQLAlchemy 2 models (`models`), Alembic migrations shipped in the package (`migrations`,
applied by `migrate`), and one small module per thing remembered: Slack event ids (`events`),
feedback (`feedback`), questions the guide did not fully answer (`questions`), conversation
state (`conversations`), with `retention` purging old rows and `report` reading them back.
Nothing here imports Slack libraries; `bot.settings` and the terminal commands never import
this package.
"""
