from ninja import Router

router = Router(tags=["sell-through"])
