from django.contrib import admin

from bspos.leadership.models import Conversation, Decision, Hat, Issue, Meeting, Metric, Plan, Rock, Todo

for model in (Hat, Metric, Meeting, Issue, Decision, Todo, Conversation, Plan, Rock):
    admin.site.register(model)
