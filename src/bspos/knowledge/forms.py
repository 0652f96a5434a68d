from django import forms

from bspos.clients.models import Client
from bspos.knowledge.models import Article, Problem
from bspos.people.models import STAFF_ROLES, User


def staff_choices():
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by("username")


class ArticleForm(forms.ModelForm):
    summary = forms.CharField(max_length=200, required=False, label="What changed",
                              help_text="Kept with the version.")

    class Meta:
        model = Article
        fields = ["title", "kind", "category", "client", "owner", "review_on", "published", "body"]
        widgets = {"review_on": forms.DateInput(attrs={"type": "date"}), "body": forms.Textarea(attrs={"rows": 20})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.order_by("name")
        self.fields["client"].empty_label = "Global (every client)"
        self.fields["owner"].queryset = staff_choices()


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["title", "client", "category", "asset", "owner", "clarify", "explore", "solve", "implement",
                  "implement_article"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ("clarify", "explore", "solve", "implement")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.order_by("name")
        self.fields["client"].empty_label = "Across clients"
        self.fields["owner"].queryset = staff_choices()
        client = str(self.data.get("client") or "") if self.is_bound else str(self.instance.client_id or "")
        self.fields["asset"].queryset = (self.fields["asset"].queryset.filter(client_id=int(client)) if client.isdigit()
                                         else self.fields["asset"].queryset.none())
        self.fields["implement_article"].queryset = Article.objects.order_by("title")


class SearchForm(forms.Form):
    """The search box: words (no NUL bytes, at most 200 characters) and, optionally, one kind of document."""

    q = forms.CharField(max_length=200, required=False)
    kind = forms.ChoiceField(choices=[("", "Everything"), ("ticket", "Tickets"), ("article", "Articles"),
                                      ("problem", "Problems"), ("client", "Clients"), ("contact", "Contacts"),
                                      ("asset", "Assets")], required=False)

    def terms(self) -> tuple[str, str]:
        """(query, kind) when valid, else nothing to search for."""
        return (self.cleaned_data["q"], self.cleaned_data["kind"]) if self.is_valid() else ("", "")
