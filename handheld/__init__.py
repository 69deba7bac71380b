"""The handheld app (Kivy) for rugged Android/Linux handhelds and the pack-station PC.

scanner/  scan input, no Kivy: serial scanners (pyserial) and keyboard wedges, one interface
flows/    what the picker does, plain Python tested without a window (login, picking)
offline.py  the SQLite queue every action goes through first: nothing lost, nothing twice
client.py   the server's API with the contract's Structs (schema/)
screens/    handheld.kv draws the flows' views; app.py wires scanner, flows, screens and queue
"""
