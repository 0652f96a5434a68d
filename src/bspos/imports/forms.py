from django import forms

from bspos.imports.services import KINDS

MAX_UPLOAD = 20 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(choices=[(name, name.capitalize()) for name in KINDS])
    file = forms.FileField(help_text="CSV, UTF-8, first line = column names.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is over 20 MB: split it, or use `bspos import` on the server.")
        return upload
