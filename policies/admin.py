from django.contrib import admin

from policies.models import (
    DocumentAuthority,
    DocumentChange,
    DocumentFile,
    DocumentRelation,
    IssuingAuthority,
    PolicyDocument,
    Tag,
)


@admin.register(IssuingAuthority)
class IssuingAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "short_name"]
    search_fields = ["name_zh", "name_en", "short_name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class DocumentAuthorityInline(admin.TabularInline):
    model = DocumentAuthority
    extra = 0


class OutgoingRelationInline(admin.TabularInline):
    model = DocumentRelation
    fk_name = "source"
    extra = 0


class DocumentFileInline(admin.TabularInline):
    model = DocumentFile
    extra = 0
    fields = readonly_fields = (
        "kind",
        "display_name",
        "size",
        "content_type",
        "sha256",
        "download_count",
        "text_status",
    )
    can_delete = False


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    """A read-only back-office view: documents are added and edited on the library's pages,
    which check uploads and record every change in the history readers see."""

    list_display = ["number", "title", "issue_date", "status", "visibility", "is_published"]
    list_filter = ["status", "category", "visibility", "is_published"]
    search_fields = ["number", "number_key", "title", "title_en"]
    date_hierarchy = "issue_date"
    inlines = [DocumentAuthorityInline, OutgoingRelationInline, DocumentFileInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DocumentChange)
class DocumentChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "document", "action", "changed_by"]
    list_filter = ["action"]
    list_select_related = ["document", "changed_by"]
    readonly_fields = ["document", "action", "changed_by", "changed_at", "changes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
