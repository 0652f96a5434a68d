"""The MSP's own foundation and factory: Ideal Client Profiles, solutions, values, vision, mission,
legal documents, the Construct checklist."""
