"""The site's templates, static files and MkDocs configuration, shipped as generator.site_templates."""
