"""A card table equivalent to xinfang's CaseCard list columns, with the indexes xinfang declares."""

from django.db import models


class Unit(models.Model):
    name = models.CharField(max_length=100)

    def __str__(self):
        return self.name


class Card(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    archived = models.BooleanField(default=False)
    number = models.CharField(max_length=50, blank=True)
    registered_on = models.DateField()
    next_deadline = models.DateField(null=True, blank=True)
    next_deadline_label = models.CharField(max_length=50, blank=True)
    petitioner = models.CharField(max_length=50)
    id_number = models.CharField(max_length=18, blank=True)
    phones = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=500)
    category = models.CharField(max_length=50, blank=True)
    department = models.CharField(max_length=50, blank=True)
    source = models.CharField(max_length=20)
    case_type = models.CharField(max_length=20)
    status = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20, blank=True)
    step = models.CharField(max_length=20, blank=True)
    version = models.IntegerField(default=1)

    class Meta:
        ordering = ["-registered_on"]
        indexes = [
            models.Index(fields=["unit", "archived", "next_deadline"]),
            models.Index(fields=["unit", "archived", "-registered_on"]),
            models.Index(fields=["unit", "id_number"]),
            models.Index(fields=["unit", "petitioner"]),
        ]

    def __str__(self):
        return f"{self.number} {self.petitioner}：{self.subject}"
