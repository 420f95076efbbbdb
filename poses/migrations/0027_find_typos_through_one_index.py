"""The typo table's keys indexed with their poses, so that a typo lookup reads the index
alone: a word common to thousands of names has thousands of rows per key, and reading each
row for its pose took 23 ms at 10,000 poses on SQLite (2 ms from the index). The key's own
index goes: the new one begins with the key. Reversible: the key's index comes back."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('poses', '0026_index_names_and_tags_words_apart'),
    ]

    operations = [
        migrations.AlterField(
            model_name='searchkey',
            name='key',
            field=models.CharField(max_length=120),
        ),
        migrations.AddIndex(
            model_name='searchkey',
            index=models.Index(fields=['key', 'pose'], name='search_key_poses_idx'),
        ),
    ]
