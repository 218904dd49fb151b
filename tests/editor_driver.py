"""Drive an editor scene the way run_app does, with synthetic pygame events."""

from __future__ import annotations

import pygame

from game.view.scenes.base import Quit

FRAME_S = 1 / 60


class Driver:
    """Feeds events through the UI manager to the current scene, like the app loop."""

    def __init__(self, ctx, state) -> None:
        self.ctx = ctx
        self.state = state
        self.surface = pygame.Surface(ctx.size)
        self.switches: list[str] = []
        state.enter()
        self.frame()

    def dispatch(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            if getattr(self.state, "veto_quit", lambda: False)():
                return
            self._switch(Quit(self.ctx))
            return
        if self.ctx.manager.process_events(event):
            return
        nxt = self.state.handle_event(event)
        if nxt is not None:
            self._switch(nxt)

    def _switch(self, new) -> None:
        self.switches.append(type(new).__name__)
        self.state.leave()
        if not isinstance(new, Quit):
            new.ctx.size = self.state.ctx.size
            new.enter()
        self.state = new

    def frame(self, n: int = 1) -> None:
        for _ in range(n):
            if isinstance(self.state, Quit):
                return
            self.ctx.manager.update(FRAME_S)
            for e in pygame.event.get():
                self.dispatch(e)
            if isinstance(self.state, Quit):
                return
            nxt = self.state.update(FRAME_S)
            if nxt is not None:
                self._switch(nxt)
            if not isinstance(self.state, Quit):
                self.state.draw(self.surface)

    def send(self, *events: pygame.event.Event, frames: int = 1) -> None:
        for e in events:
            self.dispatch(e)
        self.frame(frames)

    # ------------------------------------------------------------- gestures
    def move(self, pos, buttons=(0, 0, 0)) -> None:
        pygame.mouse.set_pos(pos)
        self.send(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=buttons, touch=False), frames=0)

    def click(self, pos, button: int = 1) -> None:
        self.move(pos)
        self.frame()  # pygame_gui sees the hover before the press, as with a real mouse
        self.send(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button, touch=False), frames=0)
        self.send(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button, touch=False), frames=2)

    def drag(self, a, b, steps: int = 6) -> None:
        self.move(a)
        self.send(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=a, button=1, touch=False), frames=0)
        for k in range(1, steps + 1):
            p = (a[0] + (b[0] - a[0]) * k // steps, a[1] + (b[1] - a[1]) * k // steps)
            self.move(p, buttons=(1, 0, 0))
        self.send(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=b, button=1, touch=False), frames=1)

    def press(self, key: int, mod: int = 0, unicode: str = "") -> None:
        self.send(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=unicode, scancode=0), frames=0)
        self.send(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode=unicode, scancode=0), frames=1)

    def type(self, text: str) -> None:
        for ch in text:
            self.dispatch(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        self.frame()

    def button(self, element) -> None:
        self.click(element.rect.center)
