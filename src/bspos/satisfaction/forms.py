from django import forms

from bspos.satisfaction.models import COMMENT_LENGTH


class CommentForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=COMMENT_LENGTH, required=False,
                              label="Anything you would like to add? (optional)")
