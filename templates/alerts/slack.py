#!/usr/bin/python3
# avictl ControlScript: post a GSLB event to a Slack incoming webhook.
#
# The controller runs this script when the alert fires, with the alert as one JSON string in argv[1]:
#   {"name": ..., "level": ..., "events": [{"event_id": "GS_MEMBER_DOWN", "obj_name": ...,
#     "event_details": {"se_hm_gsgroup_details": {"gslb_service", "gsgroup", "gsmember": {"ip": {"addr"}}}}}]}
# Only the Python standard library is used, so it runs on any controller.
import json
import sys
import urllib.request

WEBHOOK_URL = {{WEBHOOK_URL}}
CHANNEL = {{CHANNEL}}

ICONS = {"GS_UP": ":large_green_circle:", "GS_DOWN": ":red_circle:", "GS_MEMBER_UP": ":white_check_mark:", "GS_MEMBER_DOWN": ":warning:"}


def describe(event):
    """One line per event: which GSLB service (and member) went up or down."""
    event_id = event.get("event_id", "")
    details = event.get("event_details", {})
    if event_id in ("GS_MEMBER_UP", "GS_MEMBER_DOWN"):
        d = details.get("se_hm_gsgroup_details", {})
        member = d.get("gsmember", {}).get("ip", {}).get("addr", "?")
        state = "UP" if event_id == "GS_MEMBER_UP" else "DOWN"
        return "%s GSLB service %s: member %s (pool %s) is %s" % (ICONS.get(event_id, ""), d.get("gslb_service", event.get("obj_name", "?")), member, d.get("gsgroup", "?"), state)
    d = details.get("se_hm_gs_details", {})
    state = "UP" if event_id == "GS_UP" else "DOWN"
    return "%s GSLB service %s is %s" % (ICONS.get(event_id, ""), d.get("gslb_service", event.get("obj_name", "?")), state)


def message(alert):
    lines = [describe(e) for e in alert.get("events", [])] or ["alert %s" % alert.get("name", "?")]
    body = {"text": "\n".join(lines)}
    if CHANNEL:
        body["channel"] = CHANNEL
    return body


def main():
    alert = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    data = json.dumps(message(alert)).encode("utf-8")
    req = urllib.request.Request(WEBHOOK_URL, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        print("slack answered %d" % res.status)


if __name__ == "__main__":
    main()
