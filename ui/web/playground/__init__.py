"""The Playground page: its controls, the live loop, Inside the network, time travel."""
