"""The handheld app (Kivy) for rugged Android/Linux handhelds and the pack-station PC.

scanner/  scan input, no Kivy: serial scanners (pyserial) and keyboard wedges, one interface
flows/    what the picker does, plain Python tested without a window (login, picking, look up,
          move, refused replays)
offline.py  the SQLite queue every action goes through first: nothing lost, nothing twice
client.py   the server's API with the contract's Structs (schema/)
printing.py the paired printer: bin and item labels (labels/), its faults in words
settings.py the set-up made once (server, device, scanner, printer), kept in the data directory
sounds.py, vibration.py  good, wrong and done heard (and felt, on Android)
screens/    handheld.kv draws the flows' views; app.py wires scanner, flows, screens and queue
"""
