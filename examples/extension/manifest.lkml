# A Looker extension that renders a dashboard to PDF with looker-render.
# Build bundle.js (see README.md), drag it into the project in the Looker IDE
# beside this manifest, and the extension appears under Applications.
project_name: "looker_render_example"

application: render_pdf {
  label: "Render a dashboard to PDF"
  # During development, serve the bundle instead: url: "http://localhost:8080/bundle.js"
  file: "bundle.js"
  entitlements: {
    # The only core API calls looker-render makes for a dashboard PDF.
    core_api_methods: ["create_dashboard_render_task", "render_task", "render_task_results"]
    # Saving the PDF with <a download>.
    use_downloads: yes
  }
}
