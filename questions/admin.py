from django.contrib import admin

from questions.models import Faq, Question


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("pk", "course", "status", "visible_to_trainees", "asked_phase", "created_at")
    list_filter = ("status", "visible_to_trainees", "asked_phase")
    search_fields = ("text",)
    raw_id_fields = ("course", "asker", "session", "speaker", "answered_by", "merged_into")


@admin.register(Faq)
class FaqAdmin(admin.ModelAdmin):
    list_display = ("course", "grouping", "published_at")
    raw_id_fields = ("course", "published_by")
