"""Drives a Redfish BMC the way Ironic's redfish-virtual-media boot interface does, with sushy.

Usage: ironic_vmedia_boot.py BASE_URL USER PASSWORD SYSTEM_PATH IMAGE_URL
With SUSHY_AUTH=basic it uses HTTP Basic only (what sushy falls back to without sessions).
IMAGE_USER/IMAGE_PASSWORD go into InsertMedia as UserName/Password (an image server that wants
credentials); with KEEP_MEDIA=1 the media stays inserted after power-on (for a VM that must still
read it while it boots) instead of being ejected.
Prints one JSON document describing what it saw; exits non-zero on any failure.
"""
import json
import os
import sys
import time

import sushy
from sushy import auth as sushy_auth


def wait_power(conn, path, want, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        system = conn.get_system(path)
        if system.power_state == want:
            return system
        if time.monotonic() > deadline:
            raise RuntimeError("%s did not reach %s (is %s)" % (path, want, system.power_state))
        time.sleep(0.05)


def main():
    base, user, password, path, image = sys.argv[1:6]
    seen = {}
    # verify=False: Metal3's disableCertificateVerification.
    if os.environ.get("SUSHY_AUTH") == "basic":
        conn = sushy.Sushy(
            base + "/redfish/v1", verify=False,
            auth=sushy_auth.BasicAuth(username=user, password=password))
    else:
        conn = sushy.Sushy(
            base + "/redfish/v1", username=user, password=password, verify=False)
    seen["auth"] = type(conn._conn._auth).__name__
    system = conn.get_system(path)
    seen["system_id"] = system.identity
    seen["uuid"] = system.uuid
    seen["allowed_resets"] = sorted(str(v) for v in system.get_allowed_reset_system_values())

    # Power off and poll, as Ironic does before touching media.
    system.reset_system(sushy.RESET_FORCE_OFF)
    wait_power(conn, path, sushy.POWER_STATE_OFF)

    # Virtual media through the managers (sushy 4.3.3 finds it there).
    managers = system.managers
    seen["managers"] = [m.identity for m in managers]
    cds = []
    for manager in managers:
        for vmedia in manager.virtual_media.get_members():
            if sushy.VIRTUAL_MEDIA_CD in vmedia.media_types:
                cds.append(vmedia)
    if not cds:
        raise RuntimeError("no CD virtual media found")
    cd = cds[0]
    if cd.inserted:
        cd.eject_media()
    cd.insert_media(image, inserted=True, write_protected=True,
                    username=os.environ.get("IMAGE_USER"),
                    password=os.environ.get("IMAGE_PASSWORD"))
    cd.refresh()
    seen["inserted"] = cd.inserted
    seen["image"] = cd.image

    # UEFI, boot once from CD, power on and poll.
    system.set_system_boot_options(mode=sushy.BOOT_SOURCE_MODE_UEFI)
    system.set_system_boot_options(
        sushy.BOOT_SOURCE_TARGET_CD, enabled=sushy.BOOT_SOURCE_ENABLED_ONCE)
    system.refresh()
    seen["boot_before"] = [
        str(system.boot.target), str(system.boot.enabled), str(system.boot.mode)]
    system.reset_system(sushy.RESET_ON)
    system = wait_power(conn, path, sushy.POWER_STATE_ON)
    seen["boot_after"] = [
        str(system.boot.target), str(system.boot.enabled), str(system.boot.mode)]

    # Clean up as Ironic does after deployment: eject.
    if os.environ.get("KEEP_MEDIA") != "1":
        cd.eject_media()
        cd.refresh()
        seen["inserted_after_eject"] = cd.inserted

    # An unknown system is a ResourceNotFoundError, not a crash.
    try:
        conn.get_system("/redfish/v1/Systems/no-such-vm")
        seen["missing"] = "found?"
    except sushy.exceptions.ResourceNotFoundError:
        seen["missing"] = "ResourceNotFoundError"
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
