"""Importing ITFlow and IT Glue CSV exports and Bitwarden JSON: all or nothing, each bad row named."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bspos.vault import importers, services
from bspos.vault.models import Credential

pytestmark = pytest.mark.django_db

ITFLOW = ("Name,Description,Username,Password,TOTP,URI\n"
          "Firewall,Edge firewall,admin,Fw-Secret-1,JBSWY3DPEHPK3PXP,https://fw.example\n"
          "Switch,,netadmin,Sw-Secret-2,,\n")
ITGLUE = ("id,organization,name,username,password,url,notes,password_category\n"
          "1,Acme,Office 365 admin,admin@acme.test,O365-Secret,https://portal.office.com,Global admin,Cloud\n")
BITWARDEN = {"encrypted": False, "folders": [{"id": "f1", "name": "Network"}],
             "items": [{"type": 1, "name": "Wi-Fi controller", "notes": "UniFi", "folderId": "f1",
                        "login": {"username": "ubnt", "password": "Wifi-Secret", "totp": None,
                                  "uris": [{"uri": "https://unifi.example"}]}}]}


def test_an_itflow_export_imports_with_its_totp_seed(company, tech):
    result = importers.import_credentials(by=tech, client=company, kind="itflow", text=ITFLOW)
    assert result.errors == [] and result.created == 2
    firewall = Credential.objects.get(name="Firewall")
    opened = services.open_credential(firewall)
    assert (firewall.username, firewall.url, opened.secret, opened.notes, opened.totp_seed) == (
        "admin", "https://fw.example", "Fw-Secret-1", "Edge firewall", "JBSWY3DPEHPK3PXP")


def test_an_it_glue_export_files_credentials_in_their_category_folder(company, tech):
    result = importers.import_credentials(by=tech, client=company, kind="itglue", text=ITGLUE)
    assert result.created == 1
    credential = Credential.objects.get()
    assert credential.folder.name == "Cloud" and services.open_credential(credential).notes == "Global admin"


def test_a_bitwarden_export_imports_logins_with_folders(company, tech):
    result = importers.import_credentials(by=tech, client=company, kind="bitwarden", text=json.dumps(BITWARDEN))
    assert result.created == 1
    credential = Credential.objects.get()
    assert (credential.name, credential.folder.name, credential.url) == ("Wi-Fi controller", "Network",
                                                                          "https://unifi.example")


def test_one_bad_row_writes_nothing_and_every_problem_is_named(client, company, tech):
    bad = ITFLOW + "Printer,,admin,,,\n" + "Camera,,admin,Cam-Secret,not*base32,\n"
    client.force_login(tech)
    response = client.post(reverse("vault:import"), {
        "client": company.pk, "kind": "itflow", "file": SimpleUploadedFile("logins.csv", bad.encode())})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3 (Printer): no password." in page and "Row 4: the TOTP seed" in page
    assert not Credential.objects.exists()


def test_an_encrypted_bitwarden_export_is_refused(company, tech):
    result = importers.import_credentials(by=tech, client=company, kind="bitwarden",
                                          text=json.dumps({"encrypted": True, "items": []}))
    assert "unencrypted" in result.errors[0] and not Credential.objects.exists()


def test_the_import_page_imports_and_goes_to_the_clients_credentials(client, company, tech):
    client.force_login(tech)
    response = client.post(reverse("vault:import"), {
        "client": company.pk, "kind": "itflow", "file": SimpleUploadedFile("logins.csv", ITFLOW.encode())})
    assert response.status_code == 302 and f"client={company.pk}" in response["Location"]
    assert company.credentials.count() == 2
