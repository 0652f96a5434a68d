// Passkeys (people.passkeys): django-otp-webauthn's script runs the browser ceremony; once a passkey is added,
// reload the second-factor page so it lists the new passkey (and offers recovery codes).
document.addEventListener("otp_webauthn.register_complete", () => window.location.reload());
