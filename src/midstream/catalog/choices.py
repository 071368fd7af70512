from django.db import models


class UnitOfMeasure(models.TextChoices):
    EACH = "EA", "Each"
    BOX = "BX", "Box"
    CASE = "CS", "Case"
    PACK = "PK", "Pack"
    PALLET = "PL", "Pallet"


class ProductStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    END_OF_SALE = "end_of_sale", "End of sale"
    END_OF_LIFE = "end_of_life", "End of life"
